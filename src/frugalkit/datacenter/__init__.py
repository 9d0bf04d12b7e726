"""Data centres: ISO/IEC 30134 KPIs from metered data, and green-procurement scoring."""
