"""DynamoDB calls whose cost in moto grows with the whole table, made to cost what they touch.

The emulator answers DynamoDB requests one at a time (emulator_server._atomic_dynamodb), so
every other DynamoDB request waits while one of these runs; on a drift ledger a few hundred
decisions into a storm they took most of the storm's time. What each call answers and changes
is the same as moto's.

TransactWriteItems: moto makes a transaction all or none by deep-copying every table it names before applying it,
and putting the copies back when any item fails. The copy costs time in proportion to the
table (830 ms on a 3,000-item table). A transaction can only change the items it names, so
this module keeps moto's transaction logic and saves just those items (and the length of the
table's stream) instead, and puts them back on failure.

Query on a table's own key: moto sorts every item of the table and then keeps those with the
partition key asked for. This module hands moto's query only that partition's items, sorted as
moto sorts them. Queries on an index are moto's own.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_native_transact_write_items = DynamoDBBackend.transact_write_items
_native_query = Table.query
_QUERY_SIGNATURE = inspect.signature(_native_query)


class _TablesUncopied:
    """Stands in for the copy module in moto's DynamoDB backend: a table is not copied for rollback."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


class _Saved:
    """The items a transaction names as they were before it, and each table's stream length."""

    def __init__(self, backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        self.items: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
        self.streams: dict[int, tuple[Any, int]] = {}
        for transact_item in transact_items:
            _, op = next(iter(transact_item.items()), (None, {}))
            table = backend.tables.get(op.get("TableName", "")) if isinstance(op, dict) else None
            key = _key(table, op) if table is not None else None
            if key is None:
                # moto refuses the item before changing anything for it.
                continue
            hash_value, range_value = key
            current = table.get_item(hash_value, range_value)
            self.items.append((table, hash_value, range_value, copy.deepcopy(current)))
            if table.stream_shard is not None:
                self.streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))

    def restore(self) -> None:
        for table, hash_value, range_value, item in reversed(self.items):
            if range_value is None:
                if item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            elif item is None:
                table.items.get(hash_value, {}).pop(range_value, None)
            else:
                table.items[hash_value][range_value] = item
        for shard, length in self.streams.values():
            del shard.items[length:]


def _key(table: Table, op: dict[str, Any]) -> tuple[DynamoType, DynamoType | None] | None:
    attributes = op.get("Item") if "Item" in op else op.get("Key")
    if not isinstance(attributes, dict) or table.hash_key_attr not in attributes:
        return None
    if table.has_range_key and table.range_key_attr not in attributes:
        return None
    range_value = DynamoType(attributes[table.range_key_attr]) if table.has_range_key else None
    return DynamoType(attributes[table.hash_key_attr]), range_value


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    saved = _Saved(self, transact_items)
    try:
        _native_transact_write_items(self, transact_items)
    except Exception:
        # moto's own rollback put back the very table objects it changed; undo its changes here.
        saved.restore()
        raise


def _query(self: Table, hash_key: DynamoType | None, *args: Any, **kwargs: Any) -> Any:
    # moto's backend passes index_name by position.
    if _QUERY_SIGNATURE.bind(self, hash_key, *args, **kwargs).arguments.get("index_name") or hash_key is None:
        return _native_query(self, hash_key, *args, **kwargs)
    partition = self.items.get(hash_key)
    items = [] if partition is None else list(partition.values()) if self.has_range_key else [partition]
    # Shadows the table's all_items for this one call; requests reach the table one at a time.
    self.all_items = lambda: sorted(items, key=lambda item: (item.hash_key, item.range_key) if item.range_key else item.hash_key)
    try:
        return _native_query(self, hash_key, *args, **kwargs)
    finally:
        del self.all_items


def install() -> None:
    dynamodb_models.copy = _TablesUncopied()
    DynamoDBBackend.transact_write_items = _transact_write_items
    Table.query = _query
