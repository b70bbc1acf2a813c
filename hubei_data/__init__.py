"""hubei_data: the data-asset platform of a provincial drug regulator and health commission."""

import warnings

# single-run backfills of the daily extracts are the point; the beta notice is noise here
warnings.filterwarnings("ignore", message=".*backfill_policy.*")
