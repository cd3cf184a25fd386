"""Frozen dataclasses whose instances are built at the cost of plain slot stores.

A frozen dataclass's generated `__init__` stores each field through
`object.__setattr__` (a method lookup and call per field), and a tracker report
builds some 11,000 fields of results. `fast_init` gives such a class an
`__init__` with the same signature that lends the instance, for the stores
only, a twin class with the same slots and no frozen `__setattr__`, then gives
it back its own class. Everything else stays the dataclass's: the instance is
of the class, equal, hashed, printed, copied, pickled and refused assignment
exactly as before.
"""

from __future__ import annotations

import dataclasses
from types import FunctionType
from typing import TypeVar

_T = TypeVar("_T")


def fast_init(cls: type[_T]) -> type[_T]:
    """Replace the `__init__` of a `@dataclass(frozen=True, slots=True)` class (see above).

    Only for plain fields: no `default_factory`, no `init=False`, no `__post_init__`.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]  # a dataclass, checked below
    params = getattr(cls, "__dataclass_params__", None)
    assert params is not None, f"{cls.__name__} is not a dataclass"
    assert params.frozen, f"{cls.__name__} is not frozen"
    assert "__post_init__" not in vars(cls), f"{cls.__name__} has a __post_init__"
    slots = vars(cls).get("__slots__")
    assert slots == tuple(f.name for f in fields), f"{cls.__name__} needs slots=True"
    twin = type(f"_{cls.__name__}Fields", (), {"__slots__": slots})
    namespace: dict[str, object] = {"_twin": twin, "_cls": cls, "_set": object.__setattr__}
    parameters = []
    for field in fields:
        assert field.init, field.name
        assert field.default_factory is dataclasses.MISSING, field.name
        if field.default is dataclasses.MISSING:
            parameters.append(field.name)
        else:
            namespace[f"_default_{field.name}"] = field.default
            parameters.append(f"{field.name}=_default_{field.name}")
    # Field names are identifiers of this package's own classes, never user text.
    source = "\n    ".join(
        [
            f"def __init__(self, {', '.join(parameters)}):",
            "_set(self, '__class__', _twin)",
            *(f"self.{field.name} = {field.name}" for field in fields),
            "_set(self, '__class__', _cls)",
        ]
    )
    exec(source, namespace)  # noqa: S102 - an __init__ from the field names, as dataclasses does
    init = namespace["__init__"]
    assert isinstance(init, FunctionType)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    setattr(cls, "__init__", init)  # noqa: B010 - mypy refuses assigning to a method
    return cls
