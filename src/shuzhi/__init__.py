"""数智 Shuzhi: self-service BI and data intelligence for specialized manufacturers."""

__version__ = "0.1.0"
