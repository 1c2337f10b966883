"""Authentication settings (embedded in ``app.config.Settings`` as ``auth``)."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class Scope(StrEnum):
    READ = "read"
    ENQUEUE = "enqueue"
    WORK = "work"
    ADMIN = "admin"  # implies every other scope


class ApiKey(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1, description="Shown in logs instead of the key")
    # Only the SHA-256 of the key is kept: keys are long random strings, so a fast hash is enough.
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    scopes: list[Scope] = Field(min_length=1)
    queues: list[str] = Field(default_factory=lambda: ["*"], description="fnmatch patterns, e.g. reports-*")


class BasicUser(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1)
    password: SecretStr


class AuthSettings(BaseModel):
    """Off unless at least one API key or basic-auth user is configured."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    api_keys: list[ApiKey] = Field(default_factory=list)
    # Tasques-style basic auth: such users have every scope on every queue.
    basic_auth: list[BasicUser] = Field(default_factory=list)
    # Requests per second per key (or user), with bursts up to rate_limit_burst; 0 disables.
    rate_limit_per_second: float = Field(default=0.0, ge=0.0)
    rate_limit_burst: int = Field(default=50, ge=1)

    @property
    def enabled(self) -> bool:
        return bool(self.api_keys or self.basic_auth)
