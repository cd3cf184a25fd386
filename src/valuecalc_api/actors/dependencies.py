"""`ActorDep`: the person the call acts for, as a route parameter (None: nobody named).

`authenticate` has already read and checked the headers (422 for a bad one, or for none
where the key requires an actor), so this adds no work of its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from valuecalc_api.actors.header import Actor
from valuecalc_api.auth.dependencies import PrincipalDep


async def current_actor(principal: PrincipalDep) -> Actor | None:
    return principal.actor


ActorDep = Annotated[Actor | None, Depends(current_actor)]
