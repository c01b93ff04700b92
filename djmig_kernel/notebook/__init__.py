"""What the tutorial's notebooks call besides Sandbox: magics, %%expect_error, replay of the walkthrough, a teammate's branch."""
