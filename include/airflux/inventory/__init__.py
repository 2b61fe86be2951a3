"""Inventory: the objects each app applied, kept in the target cluster (see ``inventory.store``)."""

from airflux.inventory.model import (
    Entry,
    Inventory,
    config_digest,
    inventory_after_apply,
    object_id,
    parse_id,
)
from airflux.inventory.store import (
    INVENTORY_NAMESPACE,
    InventoryError,
    InventoryOptions,
    configmap_name,
    read_inventory,
    write_inventory,
)

__all__ = [
    "INVENTORY_NAMESPACE",
    "Entry",
    "Inventory",
    "InventoryError",
    "InventoryOptions",
    "config_digest",
    "configmap_name",
    "inventory_after_apply",
    "object_id",
    "parse_id",
    "read_inventory",
    "write_inventory",
]
