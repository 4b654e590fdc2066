"""Results as files a lead can use: CSV, Excel, PNG charts, a Word summary and Markdown, each
made from the suppressed results model (``flows.results``) and never from raw counts."""
