"""Where Keras keeps its settings file, and what this process actually uses."""

import json
import os
from pathlib import Path

import keras

config_dir = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
config_file = config_dir / "keras.json"  # Keras writes it on first import if it can
if config_file.exists():
    print(config_file, "says:", json.loads(config_file.read_text()))
print("in use: backend", keras.config.backend(), "| floatx", keras.config.floatx(),
      "| image_data_format", keras.config.image_data_format())
