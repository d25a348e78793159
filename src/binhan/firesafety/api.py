from ninja import Router

router = Router(tags=["fire safety"])
