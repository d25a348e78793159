from ninja import Router

router = Router(tags=["weapon handovers"])
