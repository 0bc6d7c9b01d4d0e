"""Importer, independent checker and roster files for the Curtois & Qu shift scheduling benchmark."""

from planner.curtois.instance import Cover, Instance, Shift, ShiftRequest, Staff
from planner.curtois.parser import InstanceError, parse_instance, parse_text

__all__ = [
    "Cover",
    "Instance",
    "InstanceError",
    "Shift",
    "ShiftRequest",
    "Staff",
    "parse_instance",
    "parse_text",
]
