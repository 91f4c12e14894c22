// Choosing between two versions of an answer (the conflict panel) must not first take the
// focus off the field: leaving a changed field saves it again, with the old version, and that
// save would race the choice. The button still gets its click.
document.addEventListener("mousedown", (event) => {
  if (event.target instanceof Element && event.target.closest(".conflict button")) {
    event.preventDefault();
  }
});
