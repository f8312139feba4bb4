"""
A deliberately broken example
=============================

Kept to prove that a script which raises fails the build with its name, section and traceback.
"""

# %%
# ## Setup
numerator = 1

# %%
# ## Divide by zero
#
# This section raises ZeroDivisionError on purpose.
ratio = numerator / 0
