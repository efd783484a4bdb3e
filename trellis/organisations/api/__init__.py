from trellis.organisations.api.endpoints import router, vocabulary_router

__all__ = ["router", "vocabulary_router"]
