"""Tests of the composable service templates under services/ (the service template contract)."""
