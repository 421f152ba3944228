"""Layout and form pieces shared by pages."""
