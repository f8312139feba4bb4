"""Random search with cross-validation, on a scikit-learn decision tree."""

from scipy.stats import randint
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import RandomizedSearchCV
from sklearn.tree import DecisionTreeClassifier

x, y = load_breast_cancer(return_X_y=True)
params = {
    "max_depth": [3, None],
    "max_features": randint(1, 10),  # (1)!
    "min_samples_leaf": randint(1, 10),
}
tree_cv = RandomizedSearchCV(DecisionTreeClassifier(random_state=0), params,
                             n_iter=10, cv=5, random_state=0)  # (2)!
tree_cv.fit(x, y)
print(tree_cv.best_params_)
print(f"best mean accuracy over 5 folds: {tree_cv.best_score_:.3f}")
