"""Our own control catalogue, and the CUECs of vendor reports mapped to it."""
