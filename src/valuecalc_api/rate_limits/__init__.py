"""Rate limits: `rate_limit_per_minute` requests per caller, one budget per caller shared by
every worker process and host (`shared.SharedRateLimiter`, one row per caller in
PostgreSQL), and in-memory buckets (`buckets.RateLimiter`) for what one process decides
alone: its fallback while the database is unreachable, and the pre-limit on unknown keys
(`middleware.rate_limit`)."""
