"""The run kind this feature brings: twinning (结对帮扶) over an area, published like allocation."""

from jinlin.runs.registry import RunKindSpec
from jinlin.twinning import runs, service

RUN_KINDS = [
    RunKindSpec(
        "twinning",
        runs.load,
        runs.save,
        roles=frozenset({"county_admin", "street_admin"}),
        publish=service.publish_run_proposals,
        proposals=service.run_proposals,
    )
]
