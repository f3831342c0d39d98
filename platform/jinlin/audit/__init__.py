"""审计日志: every state change, with actor, time, object and changed fields."""
