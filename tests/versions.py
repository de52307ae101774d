"""Years of history in a moment: versions of an object, as django-reversion stores them."""

from reversion.models import Revision, Version


def copies_of_latest_version(obj, count, user=None, comment="Edit {number}", first_number=0):
    """`count` more versions of `obj`, copies of its latest, each in a revision of its own dated
    as the latest's and saved by `user`, commented `comment` with its number (counting from
    `first_number`). Bulk-inserted: no signal is sent, as when rows are written outside the site."""
    latest = Version.objects.get_for_object(obj).first()
    revisions = Revision.objects.bulk_create(
        Revision(date_created=latest.revision.date_created, user=user, comment=comment.format(number=number))
        for number in range(first_number, first_number + count)
    )
    Version.objects.bulk_create(
        Version(
            revision=revision,
            object_id=latest.object_id,
            content_type_id=latest.content_type_id,
            db=latest.db,
            format=latest.format,
            serialized_data=latest.serialized_data,
            object_repr=latest.object_repr,
        )
        for revision in revisions
    )
