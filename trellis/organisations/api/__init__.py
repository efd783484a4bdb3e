from trellis.organisations.api.endpoints import router

__all__ = ["router"]
