"""The mechanisms of the model, one module each.

Each mechanism is a function ``f(state, params, rng)`` that reads the arrays of
:class:`sim.engine.state.State` as they are when it starts and writes its changes when it ends,
so its outcome never depends on the order of agents. :meth:`sim.engine.model.LearningModel.step`
calls them in the one documented order.
"""
