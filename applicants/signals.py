"""What the call's app tells the apps above it, which it may not import."""

from django.dispatch import Signal

# Sent inside the transaction that erases a person (`user=`): the apps above erase what they
# hold of them too (the shoots' travel bookings and their tickets).
person_erased = Signal()
