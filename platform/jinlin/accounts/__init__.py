"""账号与成员: accounts, their memberships (roles) in organisations, and login tokens."""
