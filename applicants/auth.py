from .emails import normalize_email


def login_username(request, credentials=None):
    """The e-mail address a login attempt names, as django-axes counts failures against it.

    In the one normal form accounts are stored and looked up in (`applicants.emails`), so
    that every spelling that could open an account shares that account's failure count.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize_email(username)
