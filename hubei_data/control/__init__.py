"""The control plane: migrations of the platform's own schema, people, permissions and the audit trail."""
