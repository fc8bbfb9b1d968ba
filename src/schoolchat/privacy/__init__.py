"""Data protection: erasing a person (GDPR Art. 17) and the legal hold on what reports keep as evidence."""
