"""surrobench: benchmark NAS performance predictors on real benchmark data."""

from surrobench.errors import SurrobenchError

__version__ = "0.1.0"

__all__ = ["SurrobenchError", "__version__"]
