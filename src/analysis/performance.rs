//! Contract performance: KPI RAG and SPC rows, summaries, contract status and pipeline.
