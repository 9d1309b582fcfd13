"""Problems said as a code and its parameters rather than a sentence, through pydantic.

A validator that refuses a value raises `invalid(code, ...)`; whoever reads the validation
error finds the code as the error's type and the parameters as its context, and words them
in the reader's language. The catalog, the imports, the column mappings and the settings
all say their problems this way.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic_core import PydanticCustomError


def invalid(code: StrEnum, **params: Any) -> PydanticCustomError:
    """A validation error carrying a problem code and its parameters through pydantic: the
    error's type is the code, its context the parameters."""
    return PydanticCustomError(code.value, code.value, params)
