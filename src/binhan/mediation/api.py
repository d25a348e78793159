from ninja import Router

router = Router(tags=["grassroots mediation"])
