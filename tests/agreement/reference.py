#!/usr/bin/env python3
"""Reference values for intercode's agreement statistics, from independent implementations.

Run from this folder:  python3 reference.py            (writes reference.json)
                       python3 reference.py --fixtures  (also rewrites the generated CSVs)

Packages used (pip install krippendorff scikit-learn statsmodels), versions recorded in
reference.json: krippendorff (Krippendorff's alpha, nominal), scikit-learn
(cohen_kappa_score), statsmodels (fleiss_kappa over aggregate_raters).

Each CSV is a units x coders table of category labels, empty = missing, the same format as
`intercode agree --matrix FILE.csv`. Cohen's kappa is computed on the units both coders
rated (two-coder files only); Fleiss' kappa on the units every coder rated.
"""
import csv, json, random, sys
import krippendorff, numpy as np, sklearn, statsmodels
from importlib.metadata import version
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

def write_fixtures():
    rnd = random.Random(2026)
    # Two coders, binary (code applied or not), agreeing about 85% of the time.
    with open("binary_two_coders.csv", "w", newline="") as f:
        w = csv.writer(f); w.writerow(["unit", "ana", "boris"])
        for u in range(60):
            a = 1 if rnd.random() < 0.3 else 0
            b = a if rnd.random() < 0.85 else 1 - a
            w.writerow([f"s{u}", a, b])
    # Three coders, four categories, some missing values.
    cats = ["fear", "security", "integration", "citizenship"]
    with open("three_coders_missing.csv", "w", newline="") as f:
        w = csv.writer(f); w.writerow(["unit", "ana", "boris", "vera"])
        for u in range(50):
            truth = rnd.choice(cats)
            row = []
            for c in range(3):
                if rnd.random() < 0.12:
                    row.append("")
                elif rnd.random() < 0.75:
                    row.append(truth)
                else:
                    row.append(rnd.choice(cats))
            w.writerow([f"u{u}"] + row)

def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    coders = rows[0][1:]
    data = [[v if v != "" else None for v in r[1:]] for r in rows[1:]]
    return coders, data

def stats(path):
    coders, data = read(path)
    labels = sorted({v for r in data for v in r if v is not None})
    idx = {l: i for i, l in enumerate(labels)}
    rel = np.array([[np.nan if r[c] is None else idx[r[c]] for r in data] for c in range(len(coders))], dtype=float)
    out = {"file": path, "coders": coders, "units": len(data)}
    out["krippendorff_alpha"] = float(krippendorff.alpha(reliability_data=rel, level_of_measurement="nominal"))
    complete = [r for r in data if all(v is not None for v in r)]
    if len(coders) == 2:
        a = [r[0] for r in complete]; b = [r[1] for r in complete]
        out["cohen_kappa"] = float(cohen_kappa_score(a, b))
    table, _ = aggregate_raters(np.array([[idx[v] for v in r] for r in complete]))
    out["fleiss_kappa"] = float(fleiss_kappa(table, method="fleiss"))
    return out

if __name__ == "__main__":
    if "--fixtures" in sys.argv:
        write_fixtures()
    result = {
        "how": "python3 tests/agreement/reference.py (see its docstring)",
        "packages": {p: version(p) for p in ["krippendorff", "scikit-learn", "statsmodels", "numpy"]},
        "python": sys.version.split()[0],
        "results": [stats(p) for p in ["krippendorff_example.csv", "binary_two_coders.csv", "three_coders_missing.csv"]],
    }
    with open("reference.json", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(result, indent=2))
