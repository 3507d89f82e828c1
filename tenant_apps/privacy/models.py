"""Privacy records of an institution (tenant schema). Each part keeps its models in its own
module; they are imported here so Django finds them."""
from .models_retention import RetentionHold, RetentionPolicy, RetentionRun  # noqa: E402,F401
from .models_export import ExportRequest  # noqa: E402,F401
from .models_policies import ConsentChoice, ConsentRecord, PolicyDocument  # noqa: E402,F401
from .models_erasure import ErasureRequest, LegalHold, PrivacySettings  # noqa: E402,F401
