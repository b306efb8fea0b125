"""Shared form machinery: GOV.UK Frontend widgets for WTForms fields."""
