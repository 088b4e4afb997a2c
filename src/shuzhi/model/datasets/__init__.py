"""Self-service datasets (自助数据集): step definitions (steps.py) and static column planning (flow.py, ops.py)."""

from shuzhi.model.datasets.flow import Column, DatasetPlan, StepPlan, field_type_of, plan_dataset
from shuzhi.model.datasets.steps import DatasetSpec, SourceRef, parse_dataset

__all__ = ["Column", "DatasetPlan", "DatasetSpec", "SourceRef", "StepPlan", "field_type_of", "parse_dataset",
           "plan_dataset"]
