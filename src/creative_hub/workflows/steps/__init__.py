"""One module per workflow step; each has `async def run(ctx, state) -> dict`."""
