"""The Huddle room service: tokens, rooms, users, streams, messages and the signalling relay."""

from .guard import GuardConfig
from .rooms import RoomService, ServiceConfig
from .tokens import Claims, TokenError, mint_token, verify_token
from .web import RoomServer, create_app

__all__ = [
    "Claims",
    "GuardConfig",
    "RoomServer",
    "RoomService",
    "ServiceConfig",
    "TokenError",
    "create_app",
    "mint_token",
    "verify_token",
]
