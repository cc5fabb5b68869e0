"""Sign-in, sign-out, users and roles."""
