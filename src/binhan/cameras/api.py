from ninja import Router

router = Router(tags=["security cameras"])
