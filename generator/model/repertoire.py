"""What the font map can print, as code points: each role's font and, in order, its fallbacks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Face:
    """One font file: the family name it declares and the code points it has."""

    name: str
    code_points: frozenset[int]


@dataclass(frozen=True, slots=True)
class RoleFaces:
    """A role's font and its declared fallbacks, in the order they are tried."""

    role: str
    font: Face
    fallbacks: tuple[Face, ...] = ()

    def fallback_for(self, code: int) -> Face | None:
        """Return the fallback that prints a code point the role's font lacks; None when the
        font has it, or when no fallback does either."""
        if code in self.font.code_points:
            return None
        return next((face for face in self.fallbacks if code in face.code_points), None)


@dataclass(frozen=True, slots=True)
class Repertoire:
    """Every role's faces; a code point is printable when some font or fallback has it."""

    roles: tuple[RoleFaces, ...]
    printable: frozenset[int]

    @classmethod
    def of(cls, roles: tuple[RoleFaces, ...]) -> Repertoire:
        faces = [face for role in roles for face in (role.font, *role.fallbacks)]
        return cls(roles, frozenset().union(*(face.code_points for face in faces)))

    def __contains__(self, code: object) -> bool:
        return code in self.printable

    def fallbacks_for(self, code: int) -> tuple[tuple[RoleFaces, Face], ...]:
        """Return each role whose font lacks the code point, with the fallback that prints it."""
        return tuple(
            (role, face) for role in self.roles if (face := role.fallback_for(code)) is not None
        )
