"""The run kind this feature brings: allocation (供需匹配) over an area."""

from jinlin.runs import allocation
from jinlin.runs.registry import RunKindSpec

RUN_KINDS = [
    RunKindSpec(
        "allocation",
        allocation.load,
        allocation.save,
        decomposable=True,
        publish=allocation.publish,
        proposals=allocation.proposals,
    )
]
