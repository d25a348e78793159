from ninja import Router

router = Router(tags=["temporary stays"])
