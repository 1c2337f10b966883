"""Tracing (OpenTelemetry), metrics (Prometheus) and structured logs.

Rule: the services report through ``app.services.activity.TaskActivity`` and never import this package;
the wiring root connects the two. Tracing exports over OTLP only when an endpoint is configured; without
one the OpenTelemetry API stays a no-op, but incoming ``traceparent`` headers still reach the tasks a
request enqueues, so workers can join the producer's trace.
"""
