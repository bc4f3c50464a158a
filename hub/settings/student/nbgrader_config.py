# nbgrader, student side (hand-in through the Assignments tab). The exchange is a folder shared by
# every single-user server (a volume on Zero to JupyterHub: hub/config.yaml). The course id must be
# the instructor's (`make course COURSE_ID=...`); NN_LABS_COURSE_ID / NBGRADER_EXCHANGE override both.
import os

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.CourseDirectory.course_id = os.environ.get("NN_LABS_COURSE_ID", "nn-labs")
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = False
