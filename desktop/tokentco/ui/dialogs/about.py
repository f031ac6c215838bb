"""Help ▸ About: version, throughput model and how figures are labelled."""

from PySide6.QtWidgets import QMessageBox, QWidget

from tokentco import MODEL_VERSION, __version__


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        "About TokenTCO",
        f"<h3>TokenTCO {__version__}</h3>"
        "<p>Compare AI inference infrastructure by all-in cost per million "
        "delivered tokens.</p>"
        f"<p>Throughput model: {MODEL_VERSION}. Estimated figures are labelled as such; "
        "measured figures name their source.</p>"
        "<p>Charts use the Okabe–Ito colour-blind-safe palette.</p>",
    )
