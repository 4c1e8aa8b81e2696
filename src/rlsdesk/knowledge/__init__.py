"""The knowledge base: versioned, cited clinical data under ``knowledge/``, strictly validated."""

from rlsdesk.knowledge.loader import (
    EXTRA_TESTS,
    CatalogueEntry,
    KnowledgeBase,
    KnowledgeBaseError,
    load_knowledge_base,
)
from rlsdesk.knowledge.manifest import KnowledgeBaseIntegrityError

__all__ = [
    "EXTRA_TESTS",
    "CatalogueEntry",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeBaseIntegrityError",
    "load_knowledge_base",
]
