"""The data API market (数据服务): approved, signed, audited queries over the share library."""
