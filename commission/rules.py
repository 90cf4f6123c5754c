import rules

rules.add_perm("commission.use_desk", rules.is_staff)
