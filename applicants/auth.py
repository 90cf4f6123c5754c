def login_username(request, credentials=None):
    """The e-mail address a login attempt names, as django-axes counts failures against it.

    Folded to lower case, as accounts are, so that THEA@ and thea@ share one failure count.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()
