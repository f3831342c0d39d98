"""A mypy plugin for two things mypy cannot see in Piccolo: every table class gets ``id`` (a ``Serial``
primary key) when it is created, and a foreign key reaches the referenced table's columns
(``Need.area_id.path``) through ``__getattribute__``, typed ``Column | Any``. Without this every
``Need.id`` and every join would be an error."""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import MDEF, SymbolTableNode, Var
from mypy.plugin import AttributeContext, ClassDefContext, Plugin
from mypy.types import AnyType, Instance, Type, TypeOfAny, UnionType, get_proper_type

TABLE = "piccolo.table.Table"
SERIAL = "piccolo.columns.column_types.Serial"


def _add_id(ctx: ClassDefContext) -> None:
    info = ctx.cls.info
    if "id" in info.names:
        return
    serial = ctx.api.lookup_fully_qualified_or_none(SERIAL)
    if serial is None or not hasattr(serial.node, "names"):
        ctx.api.defer()
        return
    var = Var("id", Instance(serial.node, []))  # type: ignore[arg-type]
    var.info = info
    var._fullname = f"{info.fullname}.id"
    info.names["id"] = SymbolTableNode(MDEF, var, plugin_generated=True)


def _joined_column(ctx: AttributeContext) -> Type:
    """What ``__getattribute__`` answered (``Column | Any``) for a referenced table's column: Any (the
    column's own type is not known here); a real attribute of ForeignKey keeps its type."""
    default = get_proper_type(ctx.default_attr_type)
    if isinstance(default, UnionType) and any(isinstance(get_proper_type(t), AnyType) for t in default.items):
        return AnyType(TypeOfAny.special_form)
    return ctx.default_attr_type


class PiccoloPlugin(Plugin):
    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        return _add_id if fullname == TABLE else None

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        if fullname.startswith("piccolo.columns.column_types.ForeignKey."):
            return _joined_column
        return None


def plugin(version: str) -> type[Plugin]:
    return PiccoloPlugin
