# Sphinx configuration of the course site; scripts/course_site.py copies this folder into build/site-source/,
# adds the pages, and builds build/site/. Nothing here executes a notebook or reaches the network.
project = "Neural-network training labs"
html_title = project
extensions = ["myst_nb"]
exclude_patterns = ["_build", "_extra", "**.ipynb_checkpoints"]

# MyST-NB: show the stored outputs as they are, never run a notebook
nb_execution_mode = "off"
nb_output_stderr = "remove"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# MathJax 3 from the site itself (scripts/course_site.py copies it from npm), not from a CDN
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "sphinx_book_theme"
templates_path = ["_templates"]
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_css_files = ["site.css"]
html_extra_path = ["_extra"]  # notebooks/: the student notebook of every lab, for download
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_context = {"default_mode": "light"}  # the theme starts light (no "invalid theme mode" error)
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
